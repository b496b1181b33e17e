"""Template tags of the newsletter."""
