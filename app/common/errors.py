"""The one exception services raise for a refused action."""


class DomainError(Exception):
    """A rule refused the action; the message tells a person what to do instead.

    `field` names the form field at fault, when there is one.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)
