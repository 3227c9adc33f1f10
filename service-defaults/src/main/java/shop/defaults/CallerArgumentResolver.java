package shop.defaults;

import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Lets a controller method take the {@link InternalCall} that authenticated the request, or the
 * end user's {@link Caller} (401 when the call names none).
 */
class CallerArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class || parameter.getParameterType() == InternalCall.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer container, NativeWebRequest request,
            WebDataBinderFactory binderFactory) {
        Object attribute = request.getAttribute(InternalCall.ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        if (!(attribute instanceof InternalCall call)) {
            throw new CallerMissing("The request carries no internal credentials");
        }
        if (parameter.getParameterType() == InternalCall.class) {
            return call;
        }
        if (call.caller() == null) {
            throw new CallerMissing("The request names no end user");
        }
        return call.caller();
    }
}
