"""Resource ids as they arrive in URLs and references.

Ids are 32-bit integers in both databases. A digit string outside that range names no row:
it is treated like any unknown id (no match, 404), never sent to the database (where it would
overflow into a 500).
"""

MAX_ID = 2 ** 31 - 1


def parse_id(text) -> int | None:
    """The id ``text`` names, or None when it cannot name a stored row."""
    text = str(text).strip()
    if not text.isdigit() or not text.isascii():
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def parse_ids(values) -> list[int]:
    """The ids among ``values`` that can name stored rows (others match nothing)."""
    return [value for value in map(parse_id, values) if value is not None]
