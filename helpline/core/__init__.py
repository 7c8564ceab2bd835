"""The pure core: what the helpline decides, with no Flask, Twilio, database or file access.

Built from the content and its catalogue: the phone menu, keyword matching, SMS segments and
parts, the prompts audio is made for, and the editorial checks. Every function here can be
called from a test or a script with nothing running.
"""
