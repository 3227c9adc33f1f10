package shop.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** The rules fail where they should: each on a class made to break it. */
class ArchitectureTest {

    private final JavaClasses fixtures = new ClassFileImporter().importPackages("shop.testing.fixture");

    @Test
    void refusesADomainValueHoldingAnHttpType() {
        assertThatThrownBy(() -> Architecture.checkDomainValuesAreFreeOfHttpAndSql(fixtures))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ValueWithHttp");
    }

    @Test
    void refusesADomainProblemThatKnowsItsHttpStatus() {
        assertThatThrownBy(() -> Architecture.checkDomainProblemsKnowNothingOfHttp(fixtures))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ProblemWithStatus");
    }

    @Test
    void refusesReachingIntoAnotherService() {
        assertThatThrownBy(() -> Architecture.checkIndependentOfOtherServices(fixtures, "shop.orders"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ReachesIntoPayments");
    }

    @Test
    void refusesVertxInternalsOutsideTheClassesAllowedThem() {
        assertThatThrownBy(() -> Architecture.checkVertxInternalsOnlyIn(fixtures))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ReachesIntoVertxInternals");
        assertThatCode(() -> Architecture.checkVertxInternalsOnlyIn(fixtures, "shop.testing.fixture.Fixtures"))
                .as("a class nested in one allowed")
                .doesNotThrowAnyException();
    }

    /**
     * service-defaults' own (it cannot depend on this module): Vert.x's internals only where Vert.x
     * 5.0.7 has no public API, each class saying why.
     */
    @Test
    void keepsServiceDefaultsToVertxPublicApiButWhereItHasNone() {
        Architecture.checkVertxInternalsOnlyIn(
                Architecture.of("shop.defaults"),
                "shop.defaults.StrictHttp1",
                "shop.defaults.ConnectionDeadline",
                "shop.defaults.Database");
    }
}
