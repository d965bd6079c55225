"""Check-in hints: who is arriving, what they are worth, what they prefer, what to offer."""
