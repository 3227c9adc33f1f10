package shop.defaults;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * A service's table of domain exceptions and the problem each one is: its status and stable
 * type slug, the exception's message being the detail. Keeps the exceptions free of HTTP and a
 * service's error advice to one line per exception.
 */
public final class DomainProblems {

    private record Kind(HttpStatus status, String slug) {
    }

    private final Map<Class<? extends Exception>, Kind> kinds = new LinkedHashMap<>();

    public DomainProblems add(Class<? extends Exception> type, HttpStatus status, String slug) {
        kinds.put(type, new Kind(status, slug));
        return this;
    }

    /** The problem for an exception of a type added here (or a subtype of one). */
    public ProblemDetail problemFor(Exception e) {
        Kind kind = kinds.entrySet().stream()
            .filter(entry -> entry.getKey().isInstance(e))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("No problem mapped for " + e.getClass()));
        return Problems.of(kind.status(), kind.slug(), e.getMessage());
    }

    public ResponseEntity<ProblemDetail> answer(Exception e) {
        return Problems.response(problemFor(e));
    }
}
