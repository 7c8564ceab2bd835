"""Texts the helpline starts (text-me from a call, caregiver shares): one place decides whether
a text may go and queues it; the worker hands the queue to Twilio. Channels ask, and map the
outcome to their own words."""
