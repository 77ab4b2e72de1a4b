"""The web channel: localized pages, SEO and sitemaps rendered from the `web` channel's documents."""
