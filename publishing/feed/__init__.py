"""The channel feed publisher: token-authenticated REST feed, cursors and webhooks."""
