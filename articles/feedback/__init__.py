"""'Was this answer helpful?': the form under each answer, the checks a post passes, and the
editors' list of what readers said."""
