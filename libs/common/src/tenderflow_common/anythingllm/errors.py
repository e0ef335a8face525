"""What can go wrong talking to AnythingLLM, sorted by what the caller should do about it."""


class AnythingLLMError(Exception):
    """Any failure; `status` is the HTTP status when there was one, `detail` what the server said."""

    def __init__(self, message: str, *, status: int | None = None, detail: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail


class AnythingLLMUnauthorized(AnythingLLMError):
    """The key was refused (AnythingLLM answers 403 `No valid api key found.`); retrying will not help."""


class AnythingLLMRejected(AnythingLLMError):
    """A 4xx or a success status whose body says it failed: this request will not succeed as it is."""


class AnythingLLMNotFound(AnythingLLMRejected):
    """The workspace, thread or document named does not exist (AnythingLLM often says so with a 400)."""


class AnythingLLMUnavailable(AnythingLLMError):
    """The server could not be reached, answered 5xx, or its circuit is open; it may work later."""


class AnythingLLMOutcomeUnknown(AnythingLLMUnavailable):
    """A request that is not safe to repeat was sent, but its answer was lost (timeout, cut connection, proxy
    error): it may or may not have taken effect, so look the result up before sending it again."""


class AnythingLLMChatAborted(AnythingLLMError):
    """A chat ended in an `abort` frame or carried an error, even under HTTP 200."""
