package shop.defaults;

/**
 * Who is calling, as the gateway authenticated them. The gateway passes it to the services in
 * the {@link #CUSTOMER_HEADER} and {@link #ROLE_HEADER} headers.
 */
public record Caller(String customer, Role role) {

    public static final String CUSTOMER_HEADER = "X-Shop-Customer";
    public static final String ROLE_HEADER = "X-Shop-Role";

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** An admin may act for anyone; a customer only for themself. */
    public boolean mayActFor(String customer) {
        return isAdmin() || this.customer.equals(customer);
    }
}
