"""Which project a figure belongs to: the project named nearest before it in
its clause or sentence, else the one the paragraph is about when the sentence
refers back to it ("the line", "the estate", "the 472-km railway")."""

import re
from dataclasses import dataclass

LATER_MENTION_PENALTY = 10_000  # a name after the number only when none before

_FOLLOW_ON = re.compile(
    r"\b(?:the|these|this|its|it)\b(?:\s+[\w.,-]+){0,2}?\s*(?:services?|line|railway|"
    r"trains?|route|port|project|projects|plant|corridor|park|zone|estate|section|"
    r"stretch|terminal|railway|workshops?|programme|program|service|company|venture)\b"
    r"|^\s*(?:It|They|Its)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ProjectName:
    pattern: re.Pattern
    name: str


def project_names(projects):
    """Patterns for every name and alias of ``projects`` ((name, aliases))."""
    names = []
    for name, aliases in projects or ():
        for label in [name, *(aliases or [])]:
            words = [re.escape(w) for w in re.split(r"[\s\-–]+", label.strip()) if w]
            if words:
                pattern = re.compile(r"\b" + r"[\s\-–]+".join(words) + r"s?\b", re.I)
                names.append(ProjectName(pattern, name))
    return names


def project_in(names, text, start, end, before=None):
    """The project named in text[start:end] closest before ``before``."""
    best = None
    for candidate in names:
        for m in candidate.pattern.finditer(text, start, end):
            distance = abs((before or m.start()) - m.start())
            if before is not None and m.start() > before:
                distance += LATER_MENTION_PENALTY
            key = (distance, -(m.end() - m.start()))
            if best is None or key < best[0]:
                best = (key, candidate.name)
    return best[1] if best else None


def refers_back(sentence):
    """The sentence's subject is one named before ("the line", "it")."""
    return _FOLLOW_ON.search(sentence) is not None
