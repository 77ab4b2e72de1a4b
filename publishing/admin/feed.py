"""Admin for publishing: feed."""
