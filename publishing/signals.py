"""Signal receivers that keep publishing in step with the truth."""
