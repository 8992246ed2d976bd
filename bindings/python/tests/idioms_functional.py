"""Idioms."""
