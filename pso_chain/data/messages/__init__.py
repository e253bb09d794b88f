"""The message catalogue: one TOML file per language (pso_chain.messages, docs/i18n.md)."""
