"""Stand-in for alt-profanity-check: no text is profane in a conformance run."""


def predict(texts):
    return [0 for _ in texts]
