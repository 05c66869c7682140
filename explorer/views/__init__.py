"""Public pages. Pages about countries, agreements and sources live here too:
they show projects' figures, and only this app may import all three apps."""
