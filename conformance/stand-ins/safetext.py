"""Stand-in for safetext: no text is profane in a conformance run."""


class SafeText:
    def __init__(self, *args, **kwargs):
        pass

    def check_profanity(self, text):
        return []
