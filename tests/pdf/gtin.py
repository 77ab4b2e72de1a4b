"""Valid GTIN-13 numbers for test products."""

from publishing.pdf.barcodes import check_digit


def gtin13(number, prefix="640"):
    body = f"{prefix}{number:09d}"
    return body + check_digit(body)
