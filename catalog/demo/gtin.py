"""GTIN-13 numbers for demo products: a fixed prefix, a serial and the check digit."""

# 640-649 is GS1 Finland's range; demo numbers stay inside one prefix of it.
PREFIX = "6409"


def check_digit(body):
    """The GS1 check digit of the digits in ``body`` (weights 3,1 from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def gtin13(serial):
    """A valid GTIN-13 for a serial number below 10⁸ (product index × 10 + variant number)."""
    if not 0 <= serial < 10 ** (12 - len(PREFIX)):
        raise ValueError(f"GTIN serial {serial} out of range")
    body = f"{PREFIX}{serial:0{12 - len(PREFIX)}d}"
    return body + check_digit(body)
