"""Tests of the product spreadsheet export and import."""
