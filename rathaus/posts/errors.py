class LifecycleError(Exception):
    """A step that is not allowed; the message is shown to the user as it is."""
