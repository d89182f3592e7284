"""Synthetic population records with known duplicates (`tinhso generate_population`)."""

from .generator import COLUMNS, SOURCES, Generator, Rates, truth_path_for, write

__all__ = ["COLUMNS", "SOURCES", "Generator", "Rates", "truth_path_for", "write"]
