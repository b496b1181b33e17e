"""The email newsletter: citizens subscribe on an office's newsroom (double opt-in, per
category), every published post of their categories reaches them by mail in batches through
the task queue, and bounces come back to a push address."""
