"""Template tags for the admin's product form: the web channel's preview links."""

from django import template

from publishing.web.admin_links import preview_links

register = template.Library()


@register.simple_tag
def web_preview_links(product):
    """``{% web_preview_links original as previews %}``: see publishing.web.admin_links."""
    return preview_links(product.sku) if product is not None and product.sku else []
