"""Split long content (an intro, then checklist items ...) into numbered SMS parts.

Twilio refuses a body over 1600 characters, and a phone shows a long message as a wall of text,
so content goes out in parts of a readable size, each cut between items so that no checklist
item or question is broken in two. Parts are numbered "(1/3)" because carriers do not promise
to deliver separate messages in order.

Pure: no I/O, no Twilio client.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .segments import analyse, graphemes

#: Characters that end a sentence, and those that may close it after the stop ("done.").
_SENTENCE_END = ".!?…。！？؟"
_CLOSERS = "\"')]}»”’」』"
#: Scripts that write no space after a sentence: a cut right after the stop is clean.
_UNSPACED_END = "。！？"


def split_message(
    items: Sequence[str],
    part_label: str = "({n}/{total})",
    *,
    soft_limit: int = 320,
    hard_limit: int = 1600,
    separator: str = "\n",
) -> list[str]:
    """The items joined with ``separator`` and cut into parts between items.

    Every part, label included, is at most ``hard_limit`` characters, and at most
    ``soft_limit`` unless one item is longer (such an item goes alone in its part). Only an
    item that does not fit ``hard_limit`` with its label is cut, at the last sentence end (or,
    failing that, the last space) that fits; the white space at such a cut is dropped.

    With more than one part, each starts with ``part_label`` filled in with ``n`` and ``total``
    and a space: "(1/3) ...". A single part has no label. Removing the labels and joining the
    parts with ``separator`` gives back ``separator.join(items)`` whenever no item was cut.
    """
    if not 0 < soft_limit <= hard_limit:
        raise ValueError(f"need 0 < soft_limit <= hard_limit, got {soft_limit}, {hard_limit}")
    _label_room(part_label, 1)  # a bad label fails on every message, not only on long ones
    texts = list(items)
    if not texts:
        return []
    label_room = 0
    while True:
        chunks = _pack(texts, soft_limit - label_room, hard_limit - label_room, separator)
        if len(chunks) == 1:
            return chunks
        needed = _label_room(part_label, len(chunks))
        if needed <= label_room:
            break
        if needed >= hard_limit:
            raise ValueError(f"the part label {part_label!r} leaves no room in {hard_limit}")
        # Labels take room from every part, which may add parts (and digits): pack again.
        label_room = needed
    total = len(chunks)
    return [
        f"{part_label.format(n=n, total=total)} {chunk}" for n, chunk in enumerate(chunks, 1)
    ]


def parts_cost(parts: Iterable[str]) -> int:
    """Segments Twilio bills for sending every part as its own message."""
    return sum(analyse(part).segments for part in parts)


def _label_room(part_label: str, total: int) -> int:
    """Characters the widest label of a ``total``-part message takes, with its space."""
    try:
        widest = max(len(part_label.format(n=n, total=total)) for n in (1, total))
    except (KeyError, IndexError) as exc:
        raise ValueError(f"a part label may use only {{n}} and {{total}}: {part_label!r}") from exc
    return widest + 1


def _pack(texts: list[str], soft: int, hard: int, separator: str) -> list[str]:
    """Greedy packing in order: the fewest parts under ``soft`` without reordering items."""
    units: list[tuple[str, bool]] = []  # (text, must start a new part)
    for text in texts:
        if len(text) > hard:
            units.extend((piece, True) for piece in _cut(text, hard))
        else:
            units.append((text, False))
    chunks: list[str] = []
    current: str | None = None
    for text, alone in units:
        if current is not None and not alone and len(current) + len(separator) + len(text) <= soft:
            current += separator + text
            continue
        if current is not None:
            chunks.append(current)
        current = text
    if current is not None:
        chunks.append(current)
    return chunks


def _cut(text: str, budget: int) -> list[str]:
    """An over-long item in pieces of at most ``budget`` characters."""
    pieces: list[str] = []
    rest = text
    while len(rest) > budget:
        end, resume = _cut_point(rest, budget)
        pieces.append(rest[:end])
        rest = rest[resume:]
    pieces.append(rest)
    return pieces


def _cut_point(text: str, budget: int) -> tuple[int, int]:
    """Where to end this piece and where the next begins (after any dropped white space).

    A sentence end is preferred when it keeps at least half the budget, so pieces stay
    readable without becoming tiny; then the last space; then the last whole character.
    """
    sentence = _last_sentence_end(text, budget)
    if sentence and sentence >= budget // 2:
        return sentence, _skip_space(text, sentence)
    space = _last_space(text, budget)
    if space > 0:
        return space, _skip_space(text, space)
    end = 0
    for cluster in graphemes(text[: budget + 1]):
        if end + len(cluster) > budget:
            break
        end += len(cluster)
    end = end or budget  # one cluster longer than a whole part: cut it anyway
    return end, end


def _last_sentence_end(text: str, budget: int) -> int:
    """The end (exclusive) of the last sentence that fits in ``budget``, or 0."""
    for end in range(min(budget, len(text)), 0, -1):
        stop = end
        while stop > 0 and text[stop - 1] in _CLOSERS:
            stop -= 1
        if stop == 0 or text[stop - 1] not in _SENTENCE_END:
            continue
        following = text[end] if end < len(text) else " "
        if following.isspace() or text[stop - 1] in _UNSPACED_END:
            if text[:end].strip():
                return len(text[:end].rstrip())
    return 0


def _last_space(text: str, budget: int) -> int:
    """The end of the last word that fits in ``budget`` (before white space), or 0."""
    for index in range(min(budget, len(text) - 1), 0, -1):
        if text[index].isspace() and text[:index].strip():
            return len(text[:index].rstrip())
    return 0


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index
