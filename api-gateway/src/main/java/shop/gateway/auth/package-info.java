/**
 * Who is calling: API keys, kept only as SHA-256 hashes, each naming a customer and a role, and
 * OIDC access tokens when an issuer is configured.
 */
@NullMarked
package shop.gateway.auth;

import org.jspecify.annotations.NullMarked;
