"""Template tag that hands the hub dashboard's figures to the admin home."""

from django import template

from pim import dashboard

register = template.Library()


@register.simple_tag
def hub_dashboard():
    return dashboard.dashboard()
