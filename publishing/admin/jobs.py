"""Admin for publishing: jobs."""
