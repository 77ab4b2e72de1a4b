"""Marketplace exports: Google Merchant Center, Meta catalog, local inventory and channel spreadsheets.

Every format renders only from the channel's published snapshots
(``source.iter_documents``), streams with constant memory, and is stored as
an Artifact by ``service.build_export``.
"""
