package shop.defaults;

import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Lets a controller method take a {@link Caller} parameter. */
class CallerArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class;
    }

    @Override
    public Caller resolveArgument(MethodParameter parameter, ModelAndViewContainer container, NativeWebRequest request,
            WebDataBinderFactory binderFactory) {
        String customer = request.getHeader(Caller.CUSTOMER_HEADER);
        String role = request.getHeader(Caller.ROLE_HEADER);
        if (customer == null || customer.isBlank() || role == null) {
            throw new CallerMissing("The request carries no caller identity");
        }
        try {
            return new Caller(customer, Role.valueOf(role));
        }
        catch (IllegalArgumentException e) {
            throw new CallerMissing("Unknown role");
        }
    }
}
