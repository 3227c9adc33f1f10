package shop.defaults;

/**
 * A request refused at the edge (a body that is not valid JSON, a query parameter out of range):
 * fail a {@code Future} or a {@code RoutingContext} with it and the failure handler answers its problem.
 */
public final class ProblemException extends RuntimeException {

    private final Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
