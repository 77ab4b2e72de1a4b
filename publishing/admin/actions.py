"""Bulk actions on the product change list (publish / unpublish per channel)."""

PRODUCT_ACTIONS = []
