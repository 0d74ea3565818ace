"""The participant directory of an event: who is coming, what they want to discuss, which languages they speak.

Only confirmed participants who agreed to be listed appear; only confirmed participants of that event
(through their manage link) and organisers see it.
"""
