"""The one exception services raise for a refused action."""


class DomainError(Exception):
    """A rule refused the action; the message tells a person what to do instead.

    `field` names the form field at fault, when there is one; `forbidden` says the refusal is
    about who is asking (HTTP 403) rather than the record's state (409).
    """

    def __init__(self, message: str, field: str | None = None, *, forbidden: bool = False):
        super().__init__(message)
        self.message = message
        self.field = field
        self.forbidden = forbidden

    def __str__(self) -> str:
        return str(self.message)
