"""Signal receivers of the catalog (kept empty until a consumer needs one)."""
