package shop.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;

/**
 * The rooms of a service, kept apart as the code grows: its domain (records, enums and the
 * problems it throws) knows nothing of HTTP, SQL or problem details, and no service reaches into
 * another's code. Each service's {@code ArchitectureTest} runs these on its own classes.
 */
public final class Architecture {

    private static final List<String> SERVICES = List.of("shop.gateway", "shop.orders", "shop.payments");
    private static final String[] HTTP_AND_SQL = {
        "io.vertx.core.http..",
        "io.vertx.ext.web..",
        "io.netty..",
        "io.vertx.sqlclient..",
        "io.vertx.pgclient..",
        "io.vertx.jdbcclient..",
        "java.sql.."
    };

    /** Vert.x's implementation, which any release may change: the public API is used wherever it has one. */
    private static final String[] VERTX_INTERNALS = {"io.vertx..impl..", "io.vertx..internal.."};

    private Architecture() {}

    public static JavaClasses of(String servicePackage) {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(servicePackage);
    }

    /** Records and enums (the domain's values, requests and answers) use no HTTP or SQL type. */
    public static void checkDomainValuesAreFreeOfHttpAndSql(JavaClasses classes) {
        noClasses()
                .that()
                .areRecords()
                .or()
                .areEnums()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(HTTP_AND_SQL)
                .because("a domain value must not change when the transport or the database does")
                .check(classes);
    }

    /** The service's own exceptions state domain facts: no HTTP, SQL or problem-details type in them. */
    public static void checkDomainProblemsKnowNothingOfHttp(JavaClasses classes) {
        noClasses()
                .that()
                .areAssignableTo(Throwable.class)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(HTTP_AND_SQL)
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("shop.defaults.Problem")
                .because("domain problems are mapped to problem+json once, by the router's failure handler")
                .check(classes);
    }

    /** Nothing in {@code servicePackage} depends on another service's code: they share only HTTP. */
    public static void checkIndependentOfOtherServices(JavaClasses classes, String servicePackage) {
        String[] others = SERVICES.stream()
                .filter(service -> !service.equals(servicePackage))
                .map(service -> service + "..")
                .toArray(String[]::new);
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(others)
                .because("each service is its own application; they share nothing at run time but HTTP")
                .check(classes);
    }

    /**
     * Only the {@code allowed} classes (and the classes nested in them) use Vert.x's internal or
     * implementation packages, each where Vert.x has no public API for what it needs (its comment
     * says why), so that an upgrade has a short list to look at.
     */
    public static void checkVertxInternalsOnlyIn(JavaClasses classes, String... allowed) {
        List<String> names = List.of(allowed);
        DescribedPredicate<JavaClass> notAllowed = DescribedPredicate.describe(
                "are not among " + names,
                type -> names.stream()
                        .noneMatch(name ->
                                type.getName().equals(name) || type.getName().startsWith(name + "$")));
        noClasses()
                .that(notAllowed)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(VERTX_INTERNALS)
                .because("Vert.x's public API is kept to wherever it has one")
                // Every class may be among those allowed (the rule's own test's).
                .allowEmptyShould(true)
                .check(classes);
    }

    /** All three rules. */
    public static void check(String servicePackage) {
        JavaClasses classes = of(servicePackage);
        checkDomainValuesAreFreeOfHttpAndSql(classes);
        checkDomainProblemsKnowNothingOfHttp(classes);
        checkIndependentOfOtherServices(classes, servicePackage);
    }
}
