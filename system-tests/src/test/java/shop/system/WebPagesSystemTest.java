package shop.system;

import static org.assertj.core.api.Assertions.assertThat;
import static shop.system.Gateway.ADMIN;
import static shop.system.Gateway.GREGOR;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * The storefront ({@code /}) and the operations console ({@code /console}) in a real Chromium,
 * against the three services running as processes in the local profile: every click goes through
 * the pages' own JavaScript to the public API. Each test leaves a screenshot in
 * {@code target/screenshots}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebPagesSystemTest {

    private static final Dimension DESKTOP = new Dimension(1280, 1000);
    private static final Dimension PHONE = new Dimension(390, 844);
    /** What the demo catalog's products start with: more than any test buys. */
    private static final long PLENTY = 1_000_000_000;

    private TestIssuer issuer;
    private ShopProcesses shop;
    private Gateway gateway;
    private Browser browser;
    private String testName;

    @BeforeAll
    void start() throws Exception {
        issuer = TestIssuer.start("Gregor");
        shop = new ShopProcesses("web")
                .withEnv("api-gateway", "SHOP_GATEWAY_OIDC_ISSUER", issuer.url())
                .withEnv("api-gateway", "SHOP_GATEWAY_OIDC_CLIENT_ID", "shop-web")
                .start();
        gateway = new Gateway(shop.gatewayUrl());
    }

    @AfterAll
    void stop() throws Exception {
        shop.close();
        issuer.close();
    }

    @BeforeEach
    void openBrowser(TestInfo test) throws Exception {
        testName = test.getTestMethod().orElseThrow().getName();
        browser = Browser.open(shop.gatewayUrl(), DESKTOP);
    }

    @AfterEach
    void closeBrowser() {
        try {
            browser.screenshot(testName);
        } finally {
            browser.close();
        }
    }

    @Test
    void paysWithTheTestCardAndListsTheOrder() {
        signInAs("Gregor");
        String id = order("mug", 2, "4242424242424242", "PAID");
        assertThat(browser.find("#outcome-text").getText())
                .startsWith("Paid: 2 × Mug, $25.00 charged to visa ending 4242.");

        browser.go("/#orders");
        browser.shown("#orders-table tr[data-order='" + id + "']");
        assertThat(browser.find("#orders-table tr[data-order='" + id + "']").getText())
                .contains("2 × Mug", "$25.00", "Paid");
        browser.go("/#shop");
        browser.shown("#catalog li");
        assertThat(browser.find("#catalog").getText()).contains("T-shirt", "$100.00", "Mug", "$12.50");
        order("t-shirt", 1, "4242424242424242", "PAID");
    }

    @Test
    void showsADeclinedPaymentWithItsReason() {
        signInAs("Gregor");
        String id = order("cap", 1, "4000000000000002", "PAYMENT_FAILED");
        assertThat(browser.find("#outcome-text").getText())
                .startsWith("Declined: the card was declined. Nothing was charged for 1 × Cap, $20.00.");
        assertThat(gateway.get("/orders/" + id, GREGOR)
                        .json()
                        .get("declineReason")
                        .asText())
                .isEqualTo("card_declined");
    }

    @Test
    void showsAPendingPaymentAndThenItsOutcomeWithoutAReload() {
        signInAs("Gregor");
        browser.script("window.shopNotReloaded = true;");
        String id = order("hoodie", 1, "4000000000000119", "PENDING");
        assertThat(browser.find("#outcome-text").getText()).startsWith("Pending: the payment for 1 × Hoodie");
        browser.await(
                Duration.ofSeconds(60),
                d -> "PAID".equals(browser.find("#outcome-text").getAttribute("data-status")));
        assertThat(browser.find("#outcome-text").getText()).startsWith("Paid: 1 × Hoodie, $45.00");
        assertThat(browser.find("#outcome-text").getAttribute("data-order")).isEqualTo(id);
        assertThat(browser.script("return window.shopNotReloaded === true;"))
                .as("the same page, never reloaded")
                .isEqualTo(true);
    }

    @Test
    void refundsAPaidOrderFromItsPage() {
        signInAs("Gregor");
        String id = order("sticker", 3, "4242424242424242", "PAID");
        browser.find("#outcome-text a").click();
        browser.text("#order-details", "Paid");
        assertThat(browser.find("#order-details").getText()).contains("$9.00 charged on visa ending 4242");
        WebElement refund = browser.shown("#refund");
        assertThat(refund.getText()).isEqualTo("Refund $9.00");
        refund.click();
        browser.text("#order-details", "Refunded");
        assertThat(browser.find("#order-details").getText()).contains("$9.00 refunded");
        assertThat(browser.find("#refund").isDisplayed()).isFalse();
        var stored = gateway.get("/orders/" + id, GREGOR).json();
        assertThat(stored.get("status").asText()).isEqualTo("REFUNDED");
        assertThat(stored.get("refund").get("id").asText()).isNotBlank();
    }

    @Test
    void placesOneOrderWhenPayIsDoubleClicked() throws Exception {
        signInAs("Gregor");
        fillOrder("cap", 7, "4242424242424242");
        long before = countOrders("Gregor", "cap", 7);
        new Actions(browser.driver()).doubleClick(browser.find("#pay")).perform();
        browser.await(d -> "PAID".equals(browser.find("#outcome-text").getAttribute("data-status")));
        // The same cart again, paid with two quick clicks: the page waits for the first answer, never sends another
        // order.
        fillOrder("cap", 7, "4242424242424242");
        browser.script("const pay = document.getElementById('pay'); pay.click(); pay.click();");
        browser.await(d -> browser.find("#pay").isEnabled());
        Thread.sleep(1000);
        try (Connection connection = shop.database("order-service").connect()) {
            assertThat(countOrders(connection, "Gregor", "cap", 7) - before)
                    .as(
                            "orders of 7 caps in order-service's database: one for the double click, one for the two clicks after")
                    .isEqualTo(2);
        }
    }

    @Test
    void retriesALostAnswerWithTheSameIdempotencyKeyAndOrdersOnce() throws Exception {
        signInAs("Gregor");
        fillOrder("hoodie", 9, "4242424242424242");
        long before = countOrders("Gregor", "hoodie", 9);
        // The first answer to POST /orders is lost on its way back, as on a dropped connection: the order is placed.
        browser.script("""
                window.shopKeysSent = [];
                const realFetch = window.fetch;
                let lose = true;
                window.fetch = async (url, init) => {
                    if (init && init.method === 'POST' && url === '/orders') {
                        window.shopKeysSent.push(init.headers['Idempotency-Key']);
                        const answer = await realFetch(url, init);
                        if (lose) {
                            lose = false;
                            throw new TypeError('the answer was lost');
                        }
                        return answer;
                    }
                    return realFetch(url, init);
                };
                """);
        browser.find("#pay").click();
        assertThat(browser.text("#order-error", "cannot be reached"))
                .isEqualTo("The shop cannot be reached. Check your connection and try again.");
        browser.find("#pay").click();
        browser.await(d -> "PAID".equals(browser.find("#outcome-text").getAttribute("data-status")));
        @SuppressWarnings("unchecked")
        List<String> keys = (List<String>) browser.script("return window.shopKeysSent;");
        assertThat(keys).hasSize(2);
        assertThat(keys.get(1)).as("the retry is the same attempt").isEqualTo(keys.get(0));
        assertThat(countOrders("Gregor", "hoodie", 9) - before)
                .as("orders stored")
                .isEqualTo(1);

        fillOrder("hoodie", 9, "4242424242424242");
        browser.find("#pay").click();
        browser.await(d -> ((List<?>) browser.script("return window.shopKeysSent;")).size() == 3);
        browser.await(d -> browser.find("#pay").isEnabled());
        assertThat((String) browser.script("return window.shopKeysSent[2];"))
                .as("a new attempt after an outcome")
                .isNotEqualTo(keys.get(0));
    }

    @Test
    void keepsAliceFromGregorsOrders() {
        String gregors = gateway.post("/orders", GREGOR, "{\"item\":\"mug\",\"paymentMethod\":\"4242424242424242\"}")
                .json()
                .get("id")
                .asText();
        signInAs("Alice");
        browser.go("/#order/" + gregors);
        String refusal = browser.text("#refund-error", "no such order");
        assertThat(refusal).isEqualTo("There is no such order among yours.");
        assertThat(browser.all("#order-details dt")).isEmpty();
        browser.go("/#orders");
        browser.text("#orders-page", "Page 1");
        assertThat(browser.all("#orders-table tr[data-order='" + gregors + "']"))
                .isEmpty();
    }

    @Test
    void refusesACustomerAtTheConsole() {
        browser.go("/console");
        browser.shown("#demo-key-list button");
        demoKey("Alice").click();
        String refusal = browser.text("#refusal", "for admins only");
        assertThat(refusal).contains("You are signed in as a customer, so it shows nothing.");
        assertThat(browser.find("#console").isDisplayed()).isFalse();
        assertThat(browser.all("#console-orders tbody tr")).isEmpty();
        assertThat(browser.all("#transactions tbody tr")).isEmpty();
        assertThat(browser.all("#summary dd")).isEmpty();
        assertThat(gateway.get("/admin/summary", Gateway.ALICE).status()).isEqualTo(403);
    }

    @Test
    void showsTheConsoleToAnAdmin() {
        String paid = gateway.post("/orders", GREGOR, "{\"item\":\"t-shirt\",\"paymentMethod\":\"4242424242424242\"}")
                .json()
                .get("id")
                .asText();
        gateway.post("/orders", GREGOR, "{\"item\":\"cap\",\"paymentMethod\":\"4000000000000002\"}");
        gateway.post("/orders/" + paid + "/refund", GREGOR, null);
        gateway.post("/orders", Gateway.ALICE, "{\"item\":\"sticker\",\"paymentMethod\":\"4242424242424242\"}");

        browser.go("/console");
        browser.shown("#demo-key-list button");
        demoKey("admin").click();
        browser.shown("#summary-breaker");
        assertThat(browser.find("#summary-breaker").getText()).isEqualTo("closed");
        assertThat(Long.parseLong(browser.find("#summary-orders-minute").getText()))
                .isGreaterThanOrEqualTo(3);
        assertThat(Long.parseLong(browser.find("#summary-declined-minute").getText()))
                .isGreaterThanOrEqualTo(1);
        browser.shown("#console-orders tr[data-order='" + paid + "']");
        browser.shown("#refunds tr[data-order='" + paid + "']");
        assertThat(browser.all("#transactions tbody tr")).isNotEmpty();
        assertThat(browser.find("#transactions").getText()).contains("Refund", "Charge", "Declined: card declined");
        browser.screenshot("console");
        var summary = gateway.get("/admin/summary", ADMIN); // checked against the contract, as every answer here
        assertThat(summary.status()).isEqualTo(200);
        assertThat(summary.json().get("paymentBreaker").asText()).isEqualTo("CLOSED");

        // The summary is live: an order placed elsewhere shows within its two-second refresh (in the hour's
        // count: the minute's is a sliding window, from which earlier orders may drop meanwhile).
        long shown = Long.parseLong(browser.find("#summary-orders-hour").getText());
        gateway.post("/orders", GREGOR, "{\"item\":\"mug\",\"paymentMethod\":\"4242424242424242\"}");
        browser.await(d -> Long.parseLong(browser.find("#summary-orders-hour").getText()) > shown);

        WebElement customer = browser.find("#console-customer");
        customer.sendKeys("Alice" + Keys.ENTER);
        browser.await(d -> !browser.all("#console-orders tbody tr").isEmpty()
                && browser.all("#console-orders tbody tr").stream()
                        .allMatch(row -> row.getText().contains("Alice")));
        new Select(browser.find("#console-status")).selectByVisibleText("Refunded");
        browser.await(d -> browser.all("#console-orders tbody tr").isEmpty());
        customer.clear();
        customer.sendKeys(Keys.ENTER);
        browser.shown("#console-orders tr[data-order='" + paid + "']");
    }

    /**
     * The console shows each product's units, an admin sets them and adds to them with the
     * keyboard (a bad number refused next to the table, nothing changed), and an order's lines
     * with their unit prices.
     */
    @Test
    void showsStockLetsAnAdminSetAndAddItAndShowsAnOrdersLines() {
        String id = gateway.post(
                        "/orders",
                        Gateway.ALICE,
                        "{\"lines\":[{\"item\":\"cap\",\"quantity\":2},{\"item\":\"mug\",\"quantity\":1}],"
                                + "\"paymentMethod\":\"4242424242424242\"}")
                .json()
                .get("id")
                .asText();
        try {
            browser.go("/console");
            browser.shown("#demo-key-list button");
            demoKey("admin").click();
            WebElement row = browser.shown("#stock tr[data-item='sticker']");
            assertThat(row.getText()).contains("Sticker", "$3.00", String.valueOf(available("sticker")));

            browser.find("#stock-sticker").sendKeys(Keys.chord(Keys.CONTROL, "a"), "500", Keys.ENTER);
            browser.await(d -> "500"
                    .equals(browser.find("#stock tr[data-item='sticker'] .available")
                            .getText()));
            assertThat(available("sticker")).isEqualTo(500);
            browser.find("#stock-sticker").sendKeys(Keys.chord(Keys.CONTROL, "a"), "-3", Keys.ENTER);
            browser.await(d -> browser.find("#stock-error").isDisplayed());
            assertThat(browser.find("#stock-error").getText()).contains("Units of Sticker");
            assertThat(available("sticker"))
                    .as("nothing set by a refused number")
                    .isEqualTo(500);
            browser.find("#add-sticker").sendKeys("25", Keys.ENTER);
            browser.await(d -> "525"
                    .equals(browser.find("#stock tr[data-item='sticker'] .available")
                            .getText()));
            assertThat(available("sticker")).isEqualTo(525);
            assertThat(browser.driver().switchTo().activeElement().getAttribute("id"))
                    .as("the focus stays on the field, to add again")
                    .isEqualTo("add-sticker");
            browser.find("#add-sticker").sendKeys(Keys.chord(Keys.CONTROL, "a"), "0", Keys.ENTER);
            assertThat(browser.text("#stock-error", "to add"))
                    .isEqualTo("Units of Sticker to add must be a whole number, 1 or more.");
            assertThat(available("sticker")).isEqualTo(525);

            browser.shown("#console-orders tr[data-order='" + id + "'] button").sendKeys(Keys.ENTER);
            WebElement cap = browser.shown("#console-order-lines tr[data-item='cap']");
            assertThat(cap.getText()).contains("2", "$20.00", "$40.00");
            assertThat(browser.find("#console-order-lines tr[data-item='mug']").getText())
                    .contains("1", "$12.50");
            assertThat(browser.find("#console-order-total").getText()).isEqualTo("$52.50");
            assertThat(browser.driver().switchTo().activeElement().getAttribute("id"))
                    .as("the focus moves to the order shown")
                    .isEqualTo("console-order");
        } finally {
            setStock("sticker", PLENTY);
        }
    }

    /**
     * The storefront says what is in stock, and at a cart's line for more than is left before
     * paying; a product without units cannot be added; a line that ran short while the page was
     * open is refused in words at the line, nothing ordered.
     */
    @Test
    void showsWhatIsInStockAtTheCartsLinesAndRefusesAnOrderThatCannotBeFilled() throws Exception {
        setStock("hoodie", 0);
        setStock("cap", 1);
        setStock("mug", 5);
        try {
            signInAs("Alice");
            assertThat(browser.shown("#catalog li[data-item='hoodie']").getText())
                    .contains("out of stock");
            assertThat(browser.find("#catalog li[data-item='cap']").getText()).contains("1 left");
            assertThat(browser.find("#catalog li[data-item='sticker']").getText())
                    .contains("in stock");
            assertThat(browser.find("#catalog li[data-item='hoodie'] .add").isEnabled())
                    .isFalse();

            fillOrder("cap", 2, "4242424242424242");
            assertThat(browser.text("#quantity-cap-error", "left")).isEqualTo("Only 1 left.");
            browser.find("#quantity-cap").sendKeys(Keys.chord(Keys.CONTROL, "a"), "1");
            browser.await(d -> !browser.find("#quantity-cap-error").isDisplayed());
            browser.find("#catalog li[data-item='mug'] .add").click();
            browser.find("#quantity-mug").sendKeys(Keys.chord(Keys.CONTROL, "a"), "4");
            assertThat(browser.find("#quantity-mug-error").isDisplayed()).isFalse();

            setStock("mug", 3); // behind the page's back: it still shows 5
            browser.find("#pay").sendKeys(Keys.ENTER);
            assertThat(browser.text("#order-error", "Nothing was ordered"))
                    .isEqualTo("Not enough in stock for mug (3 left). Nothing was ordered or charged.");
            assertThat(browser.find("#quantity-mug-error").getText()).isEqualTo("Only 3 left.");
            assertThat(browser.find("#quantity-cap-error").isDisplayed()).isFalse();
            assertThat(browser.find("#catalog li[data-item='mug']").getText()).contains("3 left");
            assertThat(countOrders("Alice", "cap", 1)).isZero();
            assertThat(available("cap")).isEqualTo(1);
            assertThat(available("mug")).isEqualTo(3);
            assertThat(browser.all("#cart tbody tr")).as("the cart kept").hasSize(2);
        } finally {
            setStock("hoodie", PLENTY);
            setStock("cap", PLENTY);
            setStock("mug", PLENTY);
        }
    }

    private void setStock(String item, long units) {
        var set = gateway.send(
                "PUT",
                "/products/" + item + "/stock",
                ADMIN,
                "{\"available\":" + units + "}",
                Map.of("Content-Type", "application/json"));
        assertThat(set.status()).isEqualTo(200);
    }

    /** A product's units available, as {@code GET /products} shows them. */
    private long available(String item) {
        for (var product : gateway.get("/products", null).json()) {
            if (product.get("item").asText().equals(item)) {
                return product.get("available").asLong();
            }
        }
        throw new AssertionError("no product " + item);
    }

    @Test
    void showsStuckOrdersToAnAdmin() throws Exception {
        String stuck = UUID.randomUUID().toString();
        Instant anHourAgo = Instant.now().minus(Duration.ofHours(1));
        try (Connection connection = shop.database("order-service").connect();
                PreparedStatement insert = connection.prepareStatement("""
                        insert into orders (id, customer, item, quantity, unit_price_minor, amount_minor, currency, status,
                                            default_payment_method, payment_attempts, next_attempt_at, created_at, updated_at)
                        values (cast(? as uuid), 'Alice', 'hoodie', 1, 4500, 4500, 'USD', 'PENDING', true, 0, ?, ?, ?)
                        """)) {
            // Pending for an hour, as a long outage leaves an order; its next retry is far off.
            insert.setString(1, stuck);
            insert.setTimestamp(2, Timestamp.from(Instant.now().plus(Duration.ofDays(1))));
            insert.setTimestamp(3, Timestamp.from(anHourAgo));
            insert.setTimestamp(4, Timestamp.from(anHourAgo));
            insert.executeUpdate();
        }
        try {
            browser.go("/console");
            browser.shown("#demo-key-list button");
            demoKey("admin").click();
            WebElement row = browser.shown("#stuck-orders tr[data-order='" + stuck + "']");
            assertThat(row.getText()).contains("Alice", "1 × hoodie", "$45.00", "Pending");
            browser.await(d -> Long.parseLong(browser.find("#summary-stuck-now").getText()) >= 1);
        } finally {
            try (Connection connection = shop.database("order-service").connect();
                    PreparedStatement delete =
                            connection.prepareStatement("delete from orders where id = cast(? as uuid)")) {
                delete.setString(1, stuck);
                delete.executeUpdate();
            }
        }
    }

    @Test
    void filtersAndPagesMyOrders() {
        for (int i = 0; i < 11; i++) {
            gateway.post("/orders", Gateway.ALICE, "{\"item\":\"sticker\",\"paymentMethod\":\"4242424242424242\"}");
        }
        String declined = gateway.post(
                        "/orders", Gateway.ALICE, "{\"item\":\"mug\",\"paymentMethod\":\"4000000000009995\"}")
                .json()
                .get("id")
                .asText();
        signInAs("Alice");
        browser.go("/#orders");
        browser.text("#orders-page", "Page 1");
        browser.await(d -> browser.all("#orders-table tbody tr").size() == 10);
        assertThat(browser.find("#orders-previous").isEnabled()).isFalse();
        assertThat(browser.find("#orders-table tbody tr").getAttribute("data-order"))
                .as("newest first")
                .isEqualTo(declined);

        browser.find("#orders-next").click();
        browser.text("#orders-page", "Page 2");
        browser.await(d -> !browser.all("#orders-table tbody tr").isEmpty());
        assertThat(browser.all("#orders-table tr[data-order='" + declined + "']"))
                .isEmpty();
        browser.find("#orders-previous").click();
        browser.text("#orders-page", "Page 1");

        new Select(browser.find("#orders-status")).selectByVisibleText("Declined");
        browser.await(d -> browser.all("#orders-table tbody tr").stream()
                .allMatch(row -> row.getText().endsWith("Declined")));
        browser.shown("#orders-table tr[data-order='" + declined + "']");
        new Select(browser.find("#orders-status")).selectByVisibleText("Refunded");
        browser.shown("#orders-empty");
        assertThat(browser.find("#orders-empty").getText()).isEqualTo("No orders here.");
    }

    @Test
    void signsInWithAKeyForTheTabAndSignsOut() {
        browser.go("/");
        WebElement key = browser.shown("#api-key");
        key.sendKeys("not-a-key" + Keys.ENTER);
        assertThat(browser.text("#api-key-error", "not valid"))
                .isEqualTo("This API key is not valid. Check it and try again.");
        assertThat(key.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.script("return sessionStorage.getItem('shop.credential');"))
                .isNull();

        key.clear();
        key.sendKeys(GREGOR + Keys.ENTER);
        browser.text("#who-label", "Signed in with an API key");
        assertThat((String) browser.script("return sessionStorage.getItem('shop.credential');"))
                .contains(GREGOR);
        assertThat(browser.script("return localStorage.length;")).isEqualTo(0L);
        browser.shown("#order-form");

        browser.find("#sign-out").click();
        browser.shown("#api-key");
        assertThat(browser.script("return sessionStorage.getItem('shop.credential');"))
                .isNull();
        assertThat(browser.find("#order-form").isDisplayed()).isFalse();
        browser.go("/#orders");
        assertThat(browser.find("#orders").isDisplayed()).isFalse();
    }

    @Test
    void signsInAtTheIssuerWithAnAuthorizationCodeAndPkce() {
        browser.go("/");
        browser.shown("#oidc-sign-in").click();
        browser.text("#who-label", "Signed in with your account");
        assertThat(browser.driver().getCurrentUrl())
                .as("the code is gone from the address")
                .isEqualTo(shop.gatewayUrl() + "/");
        Map<String, String> asked = issuer.authorizations.getLast().query();
        assertThat(asked)
                .containsEntry("response_type", "code")
                .containsEntry("client_id", "shop-web")
                .containsEntry("scope", "openid")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("redirect_uri", shop.gatewayUrl() + "/");
        assertThat(asked.get("code_challenge")).as("base64url of a SHA-256").matches("[A-Za-z0-9_-]{43}");
        assertThat(asked.get("state")).hasSizeGreaterThanOrEqualTo(32);
        assertThat(issuer.refusedExchanges)
                .as("code exchanges the issuer refused")
                .isEmpty();
        assertThat((String) browser.script("return JSON.parse(sessionStorage.getItem('shop.credential')).kind;"))
                .isEqualTo("oidc");

        String id = order("mug", 1, "4242424242424242", "PAID");
        assertThat(gateway.get("/orders/" + id, ADMIN).json().get("customer").asText())
                .as("the order is the token's subject's")
                .isEqualTo("Gregor");
        browser.find("#sign-out").click();
        browser.shown("#api-key");
        assertThat(browser.script("return sessionStorage.length;")).isEqualTo(0L);
    }

    @Test
    void refusesACodeThatComesBackWithAnotherState() {
        browser.go("/?code=stolen-code&state=not-the-one-sent");
        assertThat(browser.text("#oidc-error", "not completed"))
                .isEqualTo("The sign-in was not completed. Please try again.");
        assertThat(browser.find("#who").isDisplayed()).isFalse();
        assertThat(browser.script("return sessionStorage.getItem('shop.credential');"))
                .isNull();
        assertThat(browser.driver().getCurrentUrl()).isEqualTo(shop.gatewayUrl() + "/");
    }

    @Test
    void showsEachRefusalAsASentenceNextToItsField() {
        signInAs("Gregor");
        fillOrder("mug", 0, "");
        WebElement quantity = browser.find("#quantity-mug");
        WebElement card = browser.find("#payment-method");
        card.sendKeys("12ab");
        browser.find("#pay").click();
        String quantityError = browser.text("#quantity-mug-error", "Quantity");
        assertThat(quantityError).matches("Quantity of Mug must be .+\\.");
        assertThat(quantity.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.find("#payment-method-error").getText()).matches("Card number must be .+\\.");
        assertThat(browser.find("#outcome").getText()).isEmpty();
    }

    /** Adds to the cart, changes a quantity, takes a line out and pays, all with the keyboard. */
    @Test
    void ordersWithTheKeyboardAloneAndShowsWhereTheFocusIs() {
        browser.go("/");
        WebElement key = browser.shown("#api-key");
        key.sendKeys(GREGOR + Keys.ENTER);
        browser.shown("#order-form");
        WebElement addCap = tabTo("Add Cap to the cart");
        assertThat(addCap.getCssValue("outline-style"))
                .as("a visible focus ring")
                .isEqualTo("solid");
        addCap.sendKeys(Keys.ENTER);
        browser.shown("#cart tr[data-item='cap']");
        assertThat(browser.find("#cart-status").getAttribute("textContent")).isEqualTo("Cap is in the cart: 1.");
        tabTo("Add Mug to the cart").sendKeys(Keys.ENTER);
        browser.shown("#cart tr[data-item='mug']");
        browser.text("#total", "$32.50");

        tabTo("Remove Cap").sendKeys(Keys.ENTER);
        browser.await(d -> browser.all("#cart tr[data-item='cap']").isEmpty());
        assertThat(browser.driver().switchTo().activeElement().getAttribute("id"))
                .as("the focus goes back to the cart")
                .isEqualTo("cart-title");
        tabTo("quantity-mug").sendKeys(Keys.chord(Keys.CONTROL, "a"), "3");
        browser.text("#total", "Total: $37.50");
        WebElement pay = tabTo("pay");
        assertThat(pay.getCssValue("outline-width")).isEqualTo("3px");
        pay.sendKeys(Keys.ENTER);
        browser.await(d -> "PAID".equals(browser.find("#outcome-text").getAttribute("data-status")));
        assertThat(browser.find("#outcome-text").getText()).startsWith("Paid: 3 × Mug, $37.50");
        assertThat(browser.find("#cart-empty").isDisplayed()).isTrue();
    }

    /**
     * A cart of several lines: amounts and total as quantities change, kept in the tab across a
     * reload (in sessionStorage only), paid as one order of its lines, then empty.
     */
    @Test
    void keepsACartAcrossAReloadAndPaysItAsOneOrderOfLines() {
        signInAs("Alice");
        for (String item : List.of("t-shirt", "mug", "sticker")) {
            browser.shown("#catalog li[data-item='" + item + "'] .add").click();
        }
        browser.find("#catalog li[data-item='mug'] .add").click();
        assertThat(browser.find("#quantity-mug").getAttribute("value"))
                .as("added twice")
                .isEqualTo("2");
        WebElement mugs = browser.find("#quantity-mug");
        mugs.sendKeys(Keys.chord(Keys.CONTROL, "a"), "3");
        assertThat(browser.find("#cart tr[data-item='mug'] .amount").getText()).isEqualTo("$37.50");
        browser.text("#total", "Total: $140.50");
        browser.find("#cart tr[data-item='sticker'] .remove").click();
        browser.text("#total", "Total: $137.50");

        browser.driver().navigate().refresh();
        browser.shown("#cart tr[data-item='mug']");
        assertThat(browser.all("#cart tbody tr"))
                .extracting(row -> row.getAttribute("data-item"))
                .containsExactly("t-shirt", "mug");
        assertThat(browser.find("#quantity-mug").getAttribute("value")).isEqualTo("3");
        assertThat(browser.find("#total").getText()).isEqualTo("Total: $137.50");
        assertThat(browser.script("return localStorage.length;")).isEqualTo(0L);
        browser.screenshot("storefront");

        new Select(browser.find("#test-card")).selectByValue("4242424242424242");
        browser.find("#pay").click();
        browser.await(d -> "PAID".equals(browser.find("#outcome-text").getAttribute("data-status")));
        assertThat(browser.find("#outcome-text").getText()).startsWith("Paid: 1 × T-shirt, 3 × Mug, $137.50");
        String id = browser.find("#outcome-text").getAttribute("data-order");
        var lines = gateway.get("/orders/" + id, Gateway.ALICE).json().get("lines");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1).get("item").asText()).isEqualTo("mug");
        assertThat(lines.get(1).get("quantity").asInt()).isEqualTo(3);
        assertThat(browser.find("#cart-empty").isDisplayed()).isTrue();
        assertThat(browser.script("return sessionStorage.getItem('shop.cart');"))
                .as("a paid cart is gone")
                .isNull();
        browser.find("#pay").click();
        assertThat(browser.text("#order-error", "empty")).contains("The cart is empty");
    }

    /**
     * An order's page refunds chosen units of its lines, with the keyboard: the order partly
     * refunded, the units back in stock, a request for more than is left refused in words, then
     * the rest refunded.
     */
    @Test
    void refundsChosenUnitsOfAnOrdersLines() {
        String id = gateway.post(
                        "/orders",
                        GREGOR,
                        "{\"lines\":[{\"item\":\"cap\",\"quantity\":2},{\"item\":\"sticker\",\"quantity\":3}],"
                                + "\"paymentMethod\":\"4242424242424242\"}")
                .json()
                .get("id")
                .asText();
        signInAs("Gregor");
        browser.go("/#order/" + id);
        WebElement caps = browser.shown("#refund-cap");
        assertThat(browser.find("label[for='refund-cap']").getText()).isEqualTo("Units of Cap to refund (2 of 2 left)");
        assertThat(browser.find("#refund").getText()).isEqualTo("Refund $49.00");
        long capsBefore = available("cap");
        caps.sendKeys(Keys.chord(Keys.CONTROL, "a"), "1", Keys.ENTER);
        browser.text("#order-details", "Partly refunded");
        assertThat(browser.find("#order-details").getText()).contains("$20.00 refunded");
        assertThat(browser.find("label[for='refund-cap']").getText()).isEqualTo("Units of Cap to refund (1 of 2 left)");
        assertThat(browser.find("#refund").getText()).isEqualTo("Refund $29.00");
        assertThat(available("cap") - capsBefore).as("the unit back in stock").isEqualTo(1);
        assertThat(browser.find("#order-details").getText()).contains("2 × Cap at $20.00: $40.00 (1 refunded)");
        List<String> problems = new ArrayList<>();
        scan("an order partly refunded", problems);
        assertThat(problems).isEmpty();
        browser.screenshot("order-refunds");

        browser.find("#refund-sticker").sendKeys(Keys.chord(Keys.CONTROL, "a"), "4", Keys.ENTER);
        assertThat(browser.text("#refund-error", "Nothing was refunded"))
                .isEqualTo("Not that many to refund of sticker (3 left). Nothing was refunded.");
        browser.find("#refund-sticker").sendKeys(Keys.chord(Keys.CONTROL, "a"), "0", Keys.ENTER);
        assertThat(browser.text("#refund-error", "Choose")).isEqualTo("Choose how many units of which line to refund.");

        tabTo("refund").sendKeys(Keys.ENTER);
        browser.text("#order-details", "Refunded");
        assertThat(browser.find("#refund-form").isDisplayed()).isFalse();
        var refunded = gateway.get("/orders/" + id, GREGOR).json();
        assertThat(refunded.get("status").asText()).isEqualTo("REFUNDED");
        assertThat(refunded.get("refund").get("amount").decimalValue()).isEqualByComparingTo("49.00");
    }

    @Test
    void passesAnAccessibilityScanOnEveryView() {
        List<String> problems = new ArrayList<>();
        browser.go("/");
        browser.shown("#api-key");
        browser.shown("#catalog li");
        scan("storefront, signed out", problems);
        signInAs("Gregor");
        order("mug", 1, "4000000000000002", "PAYMENT_FAILED");
        showError();
        scan("storefront with an outcome and an error", problems);
        browser.go("/#orders");
        browser.text("#orders-page", "Page 1");
        scan("my orders", problems);
        browser.find("#orders-table tbody a").click();
        browser.shown("#order-details dt");
        scan("an order", problems);
        browser.find("#sign-out").click();
        browser.go("/console");
        browser.shown("#demo-key-list button");
        demoKey("admin").click();
        browser.shown("#summary-breaker");
        scan("the console", problems);
        assertThat(problems).as("serious or critical accessibility violations").isEmpty();
    }

    @Test
    void fitsAPhone() {
        browser.driver().manage().window().setSize(PHONE);
        signInAs("Alice");
        String id = order("cap", 1, "4242424242424242", "PAID");
        assertThat(id).isNotBlank();
        assertThat((Long) browser.script("return document.documentElement.scrollWidth - window.innerWidth;"))
                .as("no sideways scrolling at phone width")
                .isLessThanOrEqualTo(0L);
        List<String> problems = new ArrayList<>();
        scan("storefront at phone width", problems);
        assertThat(problems).isEmpty();
    }

    private void scan(String view, List<String> problems) {
        browser.seriousAccessibilityViolations().forEach(violation -> problems.add(view + ": " + violation));
    }

    /** A refusal shown next to its field, so that the scan sees one. */
    private void showError() {
        WebElement quantity = browser.find("#quantity-mug");
        quantity.clear();
        quantity.sendKeys("0");
        browser.find("#pay").click();
        browser.text("#quantity-mug-error", "Quantity");
    }

    /** Presses Tab until the element of this id or label has the focus (at most 60 times); it. */
    private WebElement tabTo(String idOrLabel) {
        for (int i = 0; i < 60; i++) {
            WebElement focused = browser.driver().switchTo().activeElement();
            if (idOrLabel.equals(focused.getAttribute("id")) || idOrLabel.equals(focused.getAttribute("aria-label"))) {
                return focused;
            }
            new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
        }
        throw new AssertionError("Tab never reached " + idOrLabel);
    }

    private void signInAs(String who) {
        browser.go("/");
        browser.shown("#demo-key-list button");
        demoKey(who).click();
        browser.text("#who-label", "Signed in as " + who);
        browser.shown("#order-form");
    }

    private WebElement demoKey(String who) {
        return browser.all("#demo-key-list button").stream()
                .filter(button -> button.getText().startsWith("Sign in as " + who))
                .findFirst()
                .orElseThrow();
    }

    /** Puts the units of one item in the cart (it must be empty) and chooses the card. */
    private void fillOrder(String item, int quantity, String card) {
        assertThat(browser.all("#cart tbody tr")).as("the cart before").isEmpty();
        browser.shown("#catalog li[data-item='" + item + "'] .add").click();
        WebElement amount = browser.shown("#quantity-" + item);
        amount.clear();
        amount.sendKeys(String.valueOf(quantity));
        Select cards = new Select(browser.find("#test-card"));
        if (card.isEmpty()) {
            cards.selectByValue("");
        } else {
            cards.selectByValue(card);
        }
    }

    /** Orders through the form and waits for the outcome; the order's id. */
    private String order(String item, int quantity, String card, String status) {
        fillOrder(item, quantity, card);
        browser.find("#pay").click();
        browser.await(
                Duration.ofSeconds(20),
                d -> status.equals(browser.find("#outcome-text").getAttribute("data-status")));
        return browser.find("#outcome-text").getAttribute("data-order");
    }

    private long countOrders(String customer, String item, int quantity) throws Exception {
        try (Connection connection = shop.database("order-service").connect()) {
            return countOrders(connection, customer, item, quantity);
        }
    }

    private static long countOrders(Connection connection, String customer, String item, int quantity)
            throws Exception {
        try (PreparedStatement count = connection.prepareStatement(
                "select count(*) from orders where customer = ? and item = ? and quantity = ?")) {
            count.setString(1, customer);
            count.setString(2, item);
            count.setInt(3, quantity);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
