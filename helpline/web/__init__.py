"""What every HTTP handler shares: the loaded content, Twilio's signature check and the one way
to answer TwiML, anonymous usage counts, masked logs, and who may open the operator pages."""
