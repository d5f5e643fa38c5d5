"""Provider clients: each turns one provider's wire protocol into normalized events for the store."""
