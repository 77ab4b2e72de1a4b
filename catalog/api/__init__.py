"""Write API for integrators (products with per-language values)."""
