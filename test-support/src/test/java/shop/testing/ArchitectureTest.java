package shop.testing;

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
}
