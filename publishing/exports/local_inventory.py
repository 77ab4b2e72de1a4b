"""Google local product inventory: stock per store as TSV (store_code, id, availability, quantity, price).

Rows carry the ids of the Google product feed; only items that feed accepts
are listed (an inventory row for an unknown item is an error on Google's side).
"""

import csv

from .google import google_problems
from .offers import money, offers_of
from .text import TextHandle

FIELDS = ("store_code", "id", "availability", "quantity", "price")


def local_availability(store, offer):
    """Google's in-store words: in stock when the shelf has it, orderable in
    store when it can be pre- or back-ordered, else out of stock."""
    if int(store.get("quantity") or 0) > 0:
        return "in_stock"
    if store.get("availability") in ("preorder", "backorder") or offer.availability in ("preorder", "backorder"):
        return "on_display_to_order"
    return "out_of_stock"


def write_tsv(handle, documents, context, report):
    with TextHandle(handle) as text:
        writer = csv.writer(text, delimiter="\t", lineterminator="\n")
        writer.writerow(FIELDS)
        for document in documents:
            report.product()
            for offer in offers_of(document, context):
                problems = google_problems(offer)
                if problems:
                    report.exclude(offer.sku, offer.id, problems)
                    continue
                if not offer.stores:
                    report.warn("no_store_stock")
                price = money(offer.amount, offer.currency)
                for store in offer.stores:
                    writer.writerow([
                        store["code"], offer.id, local_availability(store, offer),
                        max(int(store.get("quantity") or 0), 0), price,
                    ])
                report.written(rows=len(offer.stores))
