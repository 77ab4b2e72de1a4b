"""The demo catalog: a deterministic, multilingual product catalog with its
channels and a print brochure, loaded in bulk (``loader.load_demo_catalog``)."""
