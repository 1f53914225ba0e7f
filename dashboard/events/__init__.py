"""Events from articles: sentences, the role of each place mention, dates, and the events they make."""
from ..spans import Span
from .extract import Event, InferredEvent, Reading, extract_events, read_events
from .roles import ASSOCIATIVE, LITERAL, Role
from .sentences import sentences
from .timex import PRECISIONS, EventDate, date_label, parse_timex

__all__ = ["ASSOCIATIVE", "LITERAL", "PRECISIONS", "Event", "EventDate", "InferredEvent", "Reading", "Role",
           "Span", "date_label", "extract_events", "parse_timex", "read_events", "sentences"]
