"""List pages: ``{count, next, previous, results}`` with ``limit``/``offset`` (the guides) or
``page``/``page_size`` (client libraries). ``next`` and ``previous`` are absolute URLs that
repeat every other query parameter, so following them keeps the filters."""

from urllib.parse import urlencode

from jhe_core.http import query_int

PAGING_PARAMS = ("limit", "offset", "page", "page_size")
# Bounds keep OFFSET inside what every database accepts (larger values just give empty pages).
MAX_PAGE = 2**31
MAX_OFFSET = 2**53


def page_window(req) -> tuple[int, int, bool]:
    """``(limit, offset, page_style)`` from the query; sizes above ``api.max_page_size`` are
    reduced to it."""
    config = req.context.exchange.config
    default, maximum = config.get("api.page_size"), config.get("api.max_page_size")
    page = query_int(req, "page", None, minimum=1, maximum=MAX_PAGE)
    page_size = query_int(req, "page_size", None, minimum=1, maximum=maximum)
    limit = query_int(req, "limit", None, minimum=1, maximum=maximum)
    offset = query_int(req, "offset", None, minimum=0, maximum=MAX_OFFSET)
    if (page is not None or page_size is not None) and limit is None and offset is None:
        size = page_size or default
        return size, ((page or 1) - 1) * size, True
    return limit or page_size or default, offset or 0, False


def _link(req, limit, offset, page_style, explicit_limit) -> str:
    base = req.context.exchange.base_url(req) + req.path
    params = [(name, value) for name, value in req.params.items() if name not in PAGING_PARAMS]
    pairs = []
    for name, value in params:
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, item))
    if page_style:
        pairs.append(("page", offset // limit + 1))
        if req.get_param("page_size") is not None:
            pairs.append(("page_size", limit))
    else:
        if explicit_limit:
            pairs.append(("limit", limit))
        if offset:
            pairs.append(("offset", offset))
    return f"{base}?{urlencode(pairs)}" if pairs else base


def paginate(req, query, serialize_page) -> dict:
    """One page of ``query`` (already ordered) as the list envelope; ``serialize_page`` turns
    the page's rows into JSON objects (in one go, so it can batch its look-ups)."""
    limit, offset, page_style = page_window(req)
    count = query.count()
    rows = list(query.limit(limit).offset(offset))
    explicit_limit = req.get_param("limit") is not None
    next_url = _link(req, limit, offset + limit, page_style, explicit_limit) if offset + limit < count else None
    previous_url = None
    if offset > 0:
        previous_offset = max(0, offset - limit)
        if page_style:
            previous_offset = max(0, (offset // limit - 1) * limit)
        previous_url = _link(req, limit, previous_offset, page_style, explicit_limit)
    return {"count": count, "next": next_url, "previous": previous_url, "results": serialize_page(rows)}
