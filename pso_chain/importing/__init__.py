"""A buyer's own books into the canonical tables: names, matching against the register, the
import itself and its settings."""
