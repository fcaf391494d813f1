"""What an audit event records of a change: the fields before and after, and what differs."""


def snapshot(obj, fields) -> dict:
    return {name: getattr(obj, name) for name in fields}


def changes(before: dict, after: dict) -> dict:
    """{field: {"old": ..., "new": ...}} for every field whose value differs."""
    return {name: {"old": before[name], "new": after[name]} for name in after if before[name] != after[name]}
