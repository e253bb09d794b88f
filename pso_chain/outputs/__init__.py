"""What people and programs read: terminal tables and formats, files (CSV, Parquet, XLSX, JSON),
PDFs, the quick scan's files and the municipal report."""
