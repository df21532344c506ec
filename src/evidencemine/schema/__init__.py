"""The published JSON Schema (package data)."""
