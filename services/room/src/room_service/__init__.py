"""The room service: the room catalogue, who may enter, membership and presence, messages, live streams and sessions."""
