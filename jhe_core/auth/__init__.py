"""The OAuth2 / OpenID Connect authorization server and bearer authentication."""
